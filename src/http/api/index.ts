import { directoryApiModule } from './directory-api.js';
import { sessionApiModule } from './session-api.js';
import { uploadApiModule } from './upload-api.js';
import { usersApiModule } from './users-api.js';

/** The REST API's modules, in the order their routes are documented. */
export const apiModules = [sessionApiModule, usersApiModule, directoryApiModule, uploadApiModule] as const;
