import { describeHostileLies } from './hostileLies';

describeHostileLies('immuta-uam');
