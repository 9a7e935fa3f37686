// Discovery documents: /version, legacy (/api, /apis, /api/v1, /apis/g/v) and aggregated (apidiscovery v2).
export { KUBERNETES_VERSION, versionInfo, type VersionInfo, type VersionOptions } from './version.js';
export {
  apiGroupList,
  apiResourceList,
  apiVersions,
  servedGroups,
  storageVersionHash,
  type APIGroup,
  type APIResource,
  type APIResourceList,
  type GroupVersionForDiscovery,
  type ServerAddressByClientCIDR,
} from './legacy.js';
export {
  aggregatedContentType,
  aggregatedDiscovery,
  negotiateDiscovery,
  type APIGroupDiscovery,
  type APIGroupDiscoveryList,
  type APIResourceDiscovery,
  type APISubresourceDiscovery,
  type DiscoveryFormat,
} from './aggregated.js';
