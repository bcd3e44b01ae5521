/** The Sequence view's framework-free core: model, windowing, SVG and Mermaid export. */
export { buildSequence, sliceSequence, DEFAULT_PRESENCE_BURST, DEFAULT_PUSH_WAIT_MS } from "./build";
export { createSequenceBuilder, type SequenceBuilder } from "./builder";
export { causalIndexes, causalOrder } from "./causal";
export { describeParticipant, describeRow } from "./describe";
export { APP_SERVER_ID, SENDER_ID, SERVER_ID, roleCaption } from "./participants";
export { CHAR_WIDTH, FONT_FAMILY, FONT_SIZE, HEADER_HEIGHT, LANE_GAP, MARGIN, ROW_HEIGHT, diagramWidth, laneX } from "./layout";
export { isAtLatest, neighbourRow, scrollTopForLatest, scrollTopToReveal, visibleRows, type RowWindow, type WindowOptions } from "./window";
export { PALETTES, toSvg, type Palette, type SequenceTheme, type SvgOptions } from "./svg";
export { DEFAULT_MERMAID_ROWS, toMermaid, type MermaidOptions } from "./mermaid";
export type * from "./types";
