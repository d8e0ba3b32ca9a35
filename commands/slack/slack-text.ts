/**
 * Text as Slack sends it and as Slack shows it. A slash command's text arrives with `&`, `<` and
 * `>` escaped as entities (Slack's own markup uses the raw characters): decoded once before it is
 * parsed, so that YAML anchors (`&x`) and comparisons (`a<b`) read as typed. Everything echoed
 * back is escaped exactly once (escapeMrkdwn in blocks.ts), which also keeps a typed `<!channel>`
 * or `<@U123>` from becoming a live mention.
 */
const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** The text as the user typed it: Slack's three entities decoded, in one pass (`&amp;lt;` is `&lt;`). */
export function decodeSlackText(text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (e) => ENTITIES[e]!);
}
