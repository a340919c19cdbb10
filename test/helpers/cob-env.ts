// Close-of-business tests: small chunks and a short lease, so a chunk is claimed, worked and given up in
// seconds. Imported after ./env and before config() is first read; a replica spawned from the test inherits it.
Object.assign(process.env, { COB_LEASE_MS: '1500', COB_CHUNK_BORROWERS: '100', COB_BATCH_BORROWERS: '10' });
