/** A colour with opacity, from the forms VS Code's theme variables take (#rgb, #rrggbb, #rrggbbaa, rgb(a)). */
export function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(colour)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/i.exec(colour);
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})`;
  return colour;
}
