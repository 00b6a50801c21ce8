import '../shared/webviewBase.css';
import './dashboard.css';
import { createRoot } from 'react-dom/client';
import { DashboardApp } from './DashboardApp';

const container = document.getElementById('root');
if (!container) throw new Error('The dashboard needs an element with id "root" in its HTML shell.');
createRoot(container).render(<DashboardApp />);
