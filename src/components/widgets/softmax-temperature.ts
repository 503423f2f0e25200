/**
 * `<softmax-temperature>`: the client side of SoftmaxTemperature.astro. It
 * waits until the widget is near the viewport, then loads Observable Plot and
 * redraws the bar chart on every slider move.
 */

/** softmax(scores / temperature), subtracting the max first so large scores do not overflow. */
export function softmaxWithTemperature(scores: number[], temperature: number): number[] {
  const scaled = scores.map((s) => s / temperature);
  const top = Math.max(...scaled);
  const exps = scaled.map((s) => Math.exp(s - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

class SoftmaxTemperatureWidget extends HTMLElement {
  private observer: IntersectionObserver | undefined;

  connectedCallback(): void {
    this.observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.observer?.disconnect();
        void this.hydrate();
      },
      { rootMargin: "200px" },
    );
    this.observer.observe(this);
  }

  disconnectedCallback(): void {
    this.observer?.disconnect();
  }

  private async hydrate(): Promise<void> {
    const Plot = await import("@observablehq/plot");
    const scores = JSON.parse(this.dataset.scores!) as number[];
    const labels = JSON.parse(this.dataset.labels!) as string[];
    const input = this.querySelector("input")!;
    const value = this.querySelector("output")!;
    const chart = this.querySelector<HTMLElement>(".widget-chart")!;
    const draw = () => {
      const temperature = Number(input.value);
      const weights = softmaxWithTemperature(scores, temperature);
      value.textContent = temperature.toFixed(2);
      const data = labels.map((label, i) => ({ token: label, weight: weights[i] }));
      const plot = Plot.plot({
        width: Math.min(640, chart.clientWidth || 640),
        height: 220,
        marginLeft: 48,
        y: { domain: [0, 1], label: "weight", grid: true },
        x: { domain: labels, label: "token" },
        marks: [
          Plot.barY(data, { x: "token", y: "weight", fill: "currentColor", fillOpacity: 0.75, tip: true }),
          Plot.text(data, { x: "token", y: "weight", text: (d: { weight: number }) => d.weight.toFixed(2), dy: -8 }),
          Plot.ruleY([0]),
        ],
      });
      // The chart is one image for assistive technology: Plot's labelled inner groups (which have no role) are dropped.
      for (const group of plot.querySelectorAll("[aria-label]")) group.removeAttribute("aria-label");
      plot.setAttribute("role", "img");
      plot.setAttribute("aria-label", `Bar chart: ${data.map((d) => `${d.token} ${d.weight.toFixed(2)}`).join(", ")} at temperature ${temperature.toFixed(2)}`);
      chart.replaceChildren(plot);
    };
    input.addEventListener("input", draw);
    draw();
  }
}

if (!customElements.get("softmax-temperature")) customElements.define("softmax-temperature", SoftmaxTemperatureWidget);
