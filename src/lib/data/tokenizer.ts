/**
 * The simplest tokenizer: one token per character. The vocabulary is the
 * sorted set of characters of a text, after any special tokens (such as
 * `<pad>`, `<bos>`, `<eos>`), which get the first ids.
 *
 * @example
 * import { CharTokenizer } from "transformer";
 * const tok = new CharTokenizer("hello world");
 * tok.vocab;                     // [" ", "d", "e", "h", "l", "o", "r", "w"]
 * tok.decode(tok.encode("low")); // "low"
 */
export class CharTokenizer {
  /** Token id -> token (a character, or a special token). */
  readonly vocab: string[];
  private readonly ids: Map<string, number>;

  constructor(text: string, options: { specials?: string[] } = {}) {
    const chars = [...new Set(text)].sort();
    this.vocab = [...(options.specials ?? []), ...chars];
    this.ids = new Map(this.vocab.map((token, id) => [token, id]));
  }

  /** Number of tokens (the model's `vocabSize`). */
  get size(): number {
    return this.vocab.length;
  }

  /** The id of a token, e.g. `tok.id("<eos>")`. Throws for an unknown token. */
  id(token: string): number {
    const id = this.ids.get(token);
    if (id === undefined) throw new Error(`CharTokenizer: "${token}" is not in the vocabulary`);
    return id;
  }

  /** Text -> ids, one per character. Throws on a character that is not in the vocabulary. */
  encode(text: string): number[] {
    return Array.from(text, (ch) => this.id(ch));
  }

  /** Ids -> text. Throws on an id outside the vocabulary. */
  decode(ids: Iterable<number>): string {
    let text = "";
    for (const id of ids) {
      const token = this.vocab[id];
      if (token === undefined) throw new Error(`CharTokenizer: id ${id} is outside the vocabulary of ${this.size}`);
      text += token;
    }
    return text;
  }
}
