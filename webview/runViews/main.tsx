import '../shared/webviewBase.css';
import '../canvas/taskStates.css';
import './runViews.css';
import { createRoot } from 'react-dom/client';
import { RunViewsApp } from './RunViewsApp';

const container = document.getElementById('root');
if (!container) throw new Error('The run views need an element with id "root" in their HTML shell.');
createRoot(container).render(<RunViewsApp />);
