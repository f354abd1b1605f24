// The archive bombs and the entry flood at the reader's DEFAULT limits (1 GiB
// decompressed, 2,000,000 entries): the fast suite runs the same tests at small limits.
import { DEFAULT_ARCHIVE_LIMITS } from '../../electron/topology/sources/archive';
import { describeArchiveLimits } from '../unit/sources/archive-limits';

describeArchiveLimits('the default limits', DEFAULT_ARCHIVE_LIMITS);
