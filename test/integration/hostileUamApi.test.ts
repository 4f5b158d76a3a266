import { describeHostileApi } from './hostileApi';

describeHostileApi('immuta-uam', 'bearer');
