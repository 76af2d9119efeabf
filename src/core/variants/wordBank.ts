// Common English words for "no label space" (Min et al. 2022 replace demo labels with random
// English words). Concrete, frequent, single-token-ish words with no sentiment or topic bias;
// kept in core (no lexicon needed) and in a fixed order so draws are reproducible.
export const ENGLISH_WORDS: readonly string[] = [
  "apple", "basket", "bottle", "bridge", "bucket", "button", "candle", "carpet", "castle", "chair",
  "cloud", "coffee", "copper", "corner", "cotton", "desk", "door", "engine", "feather", "fence",
  "field", "finger", "forest", "garden", "glass", "guitar", "hammer", "harbor", "helmet", "island",
  "jacket", "kettle", "kitchen", "ladder", "lamp", "leaf", "lemon", "letter", "marble", "meadow",
  "mirror", "monkey", "needle", "ocean", "orange", "paper", "pencil", "pepper", "pillow", "planet",
  "pocket", "potato", "rabbit", "river", "rocket", "saddle", "salt", "sand", "shelf", "shoe",
  "silver", "spoon", "stone", "street", "sugar", "table", "ticket", "tiger", "timber", "tomato",
  "towel", "tower", "train", "tunnel", "valley", "violin", "wagon", "wallet", "window", "wire",
  "yellow", "zebra", "anchor", "banana", "blanket", "cabbage", "canvas", "carrot", "cedar", "chimney",
  "circle", "compass", "cousin", "crayon", "dolphin", "drawer", "eagle", "elbow", "fabric", "flute",
  "fountain", "gravel", "hallway", "honey", "insect", "jungle", "lantern", "lizard", "magnet", "maple",
  "mitten", "muffin", "noodle", "onion", "oyster", "paddle", "parrot", "pebble", "pigeon", "puzzle",
  "quilt", "radish", "ribbon", "saucer", "shovel", "spider", "sponge", "squirrel", "statue", "tablet",
  "teapot", "thimble", "thread", "trumpet", "tulip", "turnip", "umbrella", "velvet", "walnut", "whistle",
];
