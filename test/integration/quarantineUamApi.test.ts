import { describeQuarantine } from './quarantineApi';

describeQuarantine('immuta-uam');
