/** The generic webhook's descriptor: nothing to connect, so the settings are the whole of it. */
export { genericProvider, provider } from './settings';
