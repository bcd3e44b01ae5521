/** The explanation card's element id, for the Why? button to scroll to without loading the card's chunk. */
export const EXPLANATION_CARD_ID = "explanation-card";
