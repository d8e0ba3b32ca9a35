/**
 * Resolves once the event loop has taken in what is waiting on its sockets (setImmediate runs
 * after the poll phase). A listener awaits it between its ack and its work, so in a burst every
 * request is acknowledged before any answer is composed: the ack is what Slack times (3 s), an
 * answer can wait a few milliseconds. Without it, the answers of the first requests (rendering,
 * HTTP calls, planning) delay the acks of the last ones.
 */
export const afterPendingRequests = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
