export * from "./data-form";
export * from "./disco";
export * from "./errors";
export * from "./iq";
export * from "./message";
export * from "./parse";
export * from "./presence";
export * from "./push";
export {
  attrOf,
  childElements,
  cloneElement,
  el,
  findChild,
  findChildren,
  findClientChild,
  findClientChildren,
  isElement,
  localName,
  nsOf,
  textOf,
} from "./xml-util";
