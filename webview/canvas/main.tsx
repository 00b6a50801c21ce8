import '../shared/webviewBase.css';
import '@xyflow/react/dist/style.css';
import './taskStates.css';
import './canvas.css';
import { ReactFlowProvider } from '@xyflow/react';
import { createRoot } from 'react-dom/client';
import { CanvasApp } from './CanvasApp';

const container = document.getElementById('root');
if (!container) throw new Error('The DAG canvas needs an element with id "root" in its HTML shell.');
createRoot(container).render(
  <ReactFlowProvider>
    <CanvasApp />
  </ReactFlowProvider>,
);
