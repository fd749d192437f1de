// The action's own name and version, as SBOMs name their tool and API clients their user agent.
import manifest from '../package.json' with { type: 'json' };

export const ACTION_NAME = 'gin-release';
export const ACTION_VERSION: string = manifest.version;
