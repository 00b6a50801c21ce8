import '../shared/webviewBase.css';
import './messageBrowser.css';
import { createRoot } from 'react-dom/client';
import { MessageBrowserApp } from './MessageBrowserApp';

const container = document.getElementById('root');
if (!container) throw new Error('The message browser needs an element with id "root" in its HTML shell.');
createRoot(container).render(<MessageBrowserApp />);
