import { describeQuarantine } from './quarantineApi';

describeQuarantine('immuta-legacy');
