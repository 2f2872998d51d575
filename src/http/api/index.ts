import { directoryApiModule } from './directory-api.js';
import { historyApiModule } from './history-api.js';
import { presenceApiModule } from './presence-api.js';
import { roomsApiModule } from './rooms-api.js';
import { sessionApiModule } from './session-api.js';
import { uploadApiModule } from './upload-api.js';
import { usersApiModule } from './users-api.js';

/** The REST API's modules, in the order their routes are documented. */
export const apiModules = [
  sessionApiModule,
  usersApiModule,
  directoryApiModule,
  uploadApiModule,
  presenceApiModule,
  historyApiModule,
  roomsApiModule,
] as const;
