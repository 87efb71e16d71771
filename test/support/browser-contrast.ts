import type { Locator } from 'playwright-core';

/**
 * The WCAG contrast ratio of an element's text against what is behind it, from computed styles:
 * backgrounds composited up the ancestors, the text's colour and every ancestor's opacity applied.
 * An animation on the element or an ancestor (a pulse) is sampled across its run and the worst
 * moment counts. Filters and background images are not taken into account.
 */
export async function contrastOf(locator: Locator): Promise<number> {
  return locator.evaluate((element: Element) => {
    type Colour = [number, number, number, number];
    const parse = (text: string): Colour => {
      const parts = text.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
      return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, text.startsWith('rgba') ? (parts[3] ?? 1) : 1];
    };
    const over = (top: Colour, bottom: Colour): Colour => {
      const alpha = top[3] + bottom[3] * (1 - top[3]);
      if (alpha === 0) return [0, 0, 0, 0];
      const mix = (index: number) => (top[index]! * top[3] + bottom[index]! * bottom[3] * (1 - top[3])) / alpha;
      return [mix(0), mix(1), mix(2), alpha];
    };
    const luminance = ([red, green, blue]: Colour) => {
      const channel = (value: number) => {
        const scaled = value / 255;
        return scaled <= 0.03928 ? scaled / 12.92 : ((scaled + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue);
    };
    const chain: Element[] = [];
    for (let current: Element | null = element; current; current = current.parentElement) chain.push(current);
    const measure = () => {
      // What is painted behind the text: the page's backgrounds, from the root down to the element.
      let backdrop: Colour = [255, 255, 255, 1];
      let behindElement: Colour = backdrop;
      for (const ancestor of [...chain].reverse()) {
        const style = getComputedStyle(ancestor);
        const layer = parse(style.backgroundColor);
        const opacity = Number(style.opacity);
        if (ancestor === element) behindElement = backdrop;
        backdrop = over([layer[0], layer[1], layer[2], layer[3] * opacity], backdrop);
      }
      const text = parse(getComputedStyle(element).color);
      const opacity = chain.reduce((product, ancestor) => product * Number(getComputedStyle(ancestor).opacity), 1);
      // The element's own opacity fades its text and its background into what is behind it.
      const foreground = over([text[0], text[1], text[2], text[3] * opacity], over([...backdrop.slice(0, 3), 1] as Colour, behindElement));
      const lighter = Math.max(luminance(foreground), luminance(backdrop));
      const darker = Math.min(luminance(foreground), luminance(backdrop));
      return (lighter + 0.05) / (darker + 0.05);
    };
    const animations = chain.flatMap((ancestor) => ancestor.getAnimations());
    if (animations.length === 0) return measure();
    let worst = Infinity;
    for (const animation of animations) animation.pause();
    for (let step = 0; step <= 10; step += 1) {
      for (const animation of animations) {
        const duration = Number(animation.effect?.getComputedTiming().duration ?? 0);
        animation.currentTime = (duration * step) / 10 - (step === 10 ? 1 : 0);
      }
      worst = Math.min(worst, measure());
    }
    for (const animation of animations) animation.play();
    return worst;
  });
}
