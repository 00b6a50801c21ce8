import '../shared/webviewBase.css';
import './sqlResults.css';
import { createRoot } from 'react-dom/client';
import { SqlResultsApp } from './SqlResultsApp';

const container = document.getElementById('root');
if (!container) throw new Error('The SQL results view needs an element with id "root" in its HTML shell.');
createRoot(container).render(<SqlResultsApp />);
