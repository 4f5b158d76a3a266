import { describeHostileLies } from './hostileLies';

describeHostileLies('immuta-legacy');
