import { describe, expect, it } from 'vitest';
import { withAlpha } from './withAlpha';

describe('withAlpha', () => {
  it('sets the opacity of the colour forms VS Code themes use', () => {
    expect(withAlpha('#d18616', 0.5)).toBe('rgba(209, 134, 22, 0.5)');
    expect(withAlpha('#D1861640', 1)).toBe('rgba(209, 134, 22, 1)');
    expect(withAlpha('#fff', 1)).toBe('rgba(255, 255, 255, 1)');
    expect(withAlpha('rgba(10, 20, 30, 0.2)', 0.9)).toBe('rgba(10, 20, 30, 0.9)');
    expect(withAlpha('red', 0.5)).toBe('red');
  });
});
