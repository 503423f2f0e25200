/**
 * The chapters collection: Starlight's docs schema plus what a course needs.
 *
 * The extra fields are optional so the home page (which is not a chapter) fits
 * the same collection; a page with `order` is a chapter and appears in the
 * sidebar and on the home page's chapter list.
 */
import { defineCollection, z } from "astro:content";
import { docsLoader } from "@astrojs/starlight/loaders";
import { docsSchema } from "@astrojs/starlight/schema";

const chapterFields = z.object({
  /** Position of the chapter in the course (1 = first). Sorts the sidebar and the home page list; pages without it are not chapters. */
  order: z.number().int().positive().optional(),
  /** One or two sentences saying what the reader will do in the chapter; shown on the home page. */
  summary: z.string().optional(),
  /** What the reader can do after the chapter, one short sentence each; shown at the top of the chapter. */
  goals: z.array(z.string()).default([]),
  /** Estimated minutes to read and run the chapter. */
  minutes: z.number().int().positive().optional(),
});

export const collections = {
  docs: defineCollection({ loader: docsLoader(), schema: docsSchema({ extend: chapterFields }) }),
};
