/**
 * Presentation mode, for lectures: the chapter in large type, one section (an
 * `h2` and what follows it, up to the next) at a time, with the site's chrome
 * hidden (src/styles/presentation.css). The cells stay live: an instructor
 * edits and runs them in front of the room.
 *
 * - Enter and leave: the "Present" button, the P key, or `?present` in the
 *   URL (`?present=3` opens the third section), so a lecture can link to it;
 *   Escape leaves.
 * - Move: ← → (and Page Up / Page Down, what presentation clickers send:
 *   they scroll a section taller than the screen first), or the buttons at
 *   the bottom. A link to `#cell-x` or a heading opens the section holding it.
 * - Keys typed into code, inputs or the editor are never taken.
 *
 * State lives in the URL (`history.replaceState`), so a reload stays on the
 * same section and the Back button is not filled with slides.
 */

/** The URL parameter that holds presentation mode and its section (1-based). */
export const PRESENT_PARAM = "present";

/** One section of the chapter: the elements it shows and its title. */
interface Section {
  title: string;
  elements: Element[];
}

/**
 * Splits the content's top-level elements into sections at each `h2` (or
 * Starlight's wrapper of one). What comes before the first is the opening
 * section, titled `openingTitle`.
 */
export function splitSections(content: Element, openingTitle: string): Section[] {
  const sections: Section[] = [{ title: openingTitle, elements: [] }];
  for (const child of Array.from(content.children)) {
    const heading = child.matches("h2") ? child : child.matches(".sl-heading-wrapper.level-h2") ? child.querySelector("h2") : null;
    if (heading) sections.push({ title: heading.textContent?.trim() ?? "", elements: [] });
    sections[sections.length - 1].elements.push(child);
  }
  return sections;
}

/** Whether a key event belongs to something the reader types into. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  return Boolean(target.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"]), .cm-editor'));
}

class Presentation {
  private sections: Section[] = [];
  private index = 0;
  private nav: HTMLElement | undefined;

  constructor(
    private readonly content: Element,
    private readonly toggle: HTMLButtonElement | null,
  ) {}

  get active(): boolean {
    return document.documentElement.hasAttribute("data-presenting");
  }

  start(): void {
    this.toggle?.addEventListener("click", () => (this.active ? this.leave() : this.enter(this.sectionOfScroll())));
    document.addEventListener("keydown", (event) => this.key(event));
    window.addEventListener("hashchange", () => this.showHash());
    const asked = new URLSearchParams(location.search).get(PRESENT_PARAM);
    if (asked !== null) this.enter(Math.max(0, (Number.parseInt(asked, 10) || 1) - 1), false);
  }

  /** Enters presentation mode on section `index` (0-based). */
  enter(index: number, focusNav = true): void {
    const title = document.querySelector("h1")?.textContent?.trim() ?? document.title;
    this.sections = splitSections(this.content, title);
    document.documentElement.setAttribute("data-presenting", "");
    this.toggle?.setAttribute("aria-pressed", "true");
    this.nav ??= this.buildNav();
    document.body.append(this.nav);
    const fromHash = this.sectionOfHash();
    this.show(fromHash ?? index);
    if (focusNav) this.nav.querySelector<HTMLButtonElement>(".nb-present-next")?.focus();
  }

  leave(): void {
    const current = this.sections[this.index]?.elements[0];
    document.documentElement.removeAttribute("data-presenting");
    for (const section of this.sections) for (const element of section.elements) element.removeAttribute("data-nb-offstage");
    this.nav?.remove();
    this.toggle?.setAttribute("aria-pressed", "false");
    this.writeUrl(undefined);
    // Back in the chapter where the lecture was.
    current?.scrollIntoView({ block: "start" });
    this.toggle?.focus();
  }

  private show(index: number): void {
    this.index = Math.min(Math.max(0, index), this.sections.length - 1);
    this.sections.forEach((section, i) => {
      for (const element of section.elements) element.toggleAttribute("data-nb-offstage", i !== this.index);
    });
    document.documentElement.toggleAttribute("data-presenting-opening", this.index === 0);
    const nav = this.nav!;
    nav.querySelector(".nb-present-where")!.textContent = `${this.index + 1} / ${this.sections.length} · ${this.sections[this.index].title}`;
    nav.querySelector<HTMLButtonElement>(".nb-present-previous")!.disabled = this.index === 0;
    nav.querySelector<HTMLButtonElement>(".nb-present-next")!.disabled = this.index === this.sections.length - 1;
    this.writeUrl(this.index);
    window.scrollTo({ top: 0 });
  }

  private key(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    if (!this.active) {
      if (event.key === "p" || event.key === "P") {
        event.preventDefault();
        this.enter(this.sectionOfScroll());
      }
      return;
    }
    const atBottom = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 4;
    const atTop = window.scrollY <= 4;
    switch (event.key) {
      case "Escape":
        event.preventDefault();
        return this.leave();
      case "ArrowRight":
        event.preventDefault();
        return this.show(this.index + 1);
      case "ArrowLeft":
        event.preventDefault();
        return this.show(this.index - 1);
      case "PageDown":
        if (!atBottom) return;
        event.preventDefault();
        return this.show(this.index + 1);
      case "PageUp":
        if (!atTop) return;
        event.preventDefault();
        return this.show(this.index - 1);
    }
  }

  private buildNav(): HTMLElement {
    const nav = document.createElement("nav");
    nav.className = "nb-present-nav not-content";
    nav.setAttribute("aria-label", "Presentation");
    const button = (className: string, text: string, label: string, action: () => void) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = `nb-button ${className}`;
      b.textContent = text;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", action);
      return b;
    };
    const where = document.createElement("span");
    where.className = "nb-present-where";
    where.setAttribute("aria-live", "polite");
    nav.append(
      button("nb-present-previous", "‹", "Previous section (←)", () => this.show(this.index - 1)),
      where,
      button("nb-present-next", "›", "Next section (→)", () => this.show(this.index + 1)),
      button("nb-present-exit", "Exit", "Leave presentation mode (Escape)", () => this.leave()),
    );
    return nav;
  }

  /** The section the reader is reading now (the last one whose start is above the middle of the screen). */
  private sectionOfScroll(): number {
    const sections = splitSections(this.content, "");
    let found = 0;
    sections.forEach((section, i) => {
      const first = section.elements[0];
      if (first && first.getBoundingClientRect().top < window.innerHeight / 2) found = i;
    });
    return found;
  }

  /** The section that holds the URL's `#target`, if there is one. */
  private sectionOfHash(): number | undefined {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (!target) return undefined;
    const index = this.sections.findIndex((section) => section.elements.some((element) => element.contains(target)));
    return index >= 0 ? index : undefined;
  }

  private showHash(): void {
    if (!this.active) return;
    const index = this.sectionOfHash();
    if (index === undefined) return;
    this.show(index);
    document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView({ block: "start" });
  }

  private writeUrl(index: number | undefined): void {
    const url = new URL(location.href);
    if (index === undefined) url.searchParams.delete(PRESENT_PARAM);
    else url.searchParams.set(PRESENT_PARAM, String(index + 1));
    history.replaceState(history.state, "", url);
  }
}

/** Sets up presentation mode for the chapter on this page (once). */
export function setUpPresentation(): void {
  const content = document.querySelector(".sl-markdown-content");
  if (!content || document.documentElement.dataset.presentationReady !== undefined) return;
  document.documentElement.dataset.presentationReady = "";
  new Presentation(content, document.querySelector<HTMLButtonElement>(".nb-present-toggle")).start();
}
