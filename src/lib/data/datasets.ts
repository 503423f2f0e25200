/**
 * The data the course makes itself (seeded, deterministic, nothing to
 * download): pictures of shapes for the ViT, a generated English corpus for
 * the character language model, and digits-to-words pairs for the
 * encoder-decoder; and the loader of the one real data set, Fashion-MNIST
 * (its files are committed under `public/data/fashion`).
 */
export * from "./images";
export * from "./corpus";
export * from "./translation";
export * from "./fashion";
