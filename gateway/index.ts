import { startGateway } from './server';

export * from './server';

if (require.main === module) {
  void startGateway().then((g) => {
    const stop = () => g.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
