import { useEffect } from 'react';
import type { CanvasNotice } from './canvasDocumentReducer';

const SHOWN_FOR_MS = 10_000;

/** Why a gesture was refused (a cycle, a taken id...), shown over the canvas until dismissed or for ten seconds. */
export function NoticeBar({ notice, onDismiss }: { notice: CanvasNotice | undefined; onDismiss(): void }) {
  useEffect(() => {
    if (!notice) return undefined;
    const timer = setTimeout(onDismiss, SHOWN_FOR_MS);
    return () => clearTimeout(timer);
  }, [notice, onDismiss]);
  if (!notice) return null;
  return (
    <div className={`notice-bar notice-${notice.severity}`} role="alert" data-testid="canvas-notice">
      <span className="notice-text">{notice.text}</span>
      <button type="button" className="panel-close" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
