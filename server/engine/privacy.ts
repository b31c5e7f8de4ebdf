/**
 * Masks a person's name for public screens, keeping the first and last character: 张华 → 张*,
 * 张志华 → 张*华, 欧阳志华 → 欧**华 (the usual way Chinese results lists hide names). The server
 * masks what it sends; the board applies the same rule between a setting change and the fresh
 * snapshot that follows it.
 */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
