/** RFC 3261 §11: OPTIONS — what this server supports (also the keepalive "ping" of many phones). */
import { defineModule } from '../../kernel/module.js';
import { sipStackKey } from '../sip-stack.js';

export const optionsModule = defineModule({
  name: 'sip-options',
  description: 'Answers OPTIONS with the methods and extensions Herald supports',
  requires: ['sip-core'],
  specs: ['RFC 3261 §11'],
  setup(ctx) {
    const stack = ctx.use(sipStackKey);
    return stack.onRequest(
      'OPTIONS',
      ({ respond }) =>
        // §11.2: Allow, Accept, Accept-Encoding, Accept-Language and Supported describe us.
        respond(200, 'OK', [
          { name: 'Allow', value: stack.methods.join(', ') },
          { name: 'Accept', value: 'application/sdp, application/pidf+xml, text/plain' },
          { name: 'Accept-Encoding', value: 'identity' },
          { name: 'Accept-Language', value: 'en' },
          { name: 'Server', value: 'Herald' },
        ]),
      ctx.module,
    );
  },
});
