import { describeHostileApi } from './hostileApi';

describeHostileApi('immuta-legacy', 'apikey');
