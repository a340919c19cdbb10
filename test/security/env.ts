// Sign-in limits small enough to walk through in seconds (the rules are the same at any size).
import '../helpers/env';

Object.assign(process.env, {
  LOGIN_FREE_ATTEMPTS: '3',
  LOGIN_MAX_DELAY_SECONDS: '1',
  LOGIN_LOCK_AFTER: '6',
  LOGIN_IP_FREE_ATTEMPTS: '30',
  LOGIN_IP_MAX_DELAY_SECONDS: '1',
});
