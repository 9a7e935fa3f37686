// What the protobuf definitions do not carry: the Go types' strategic-merge-patch and list-type markers
// (`patchStrategy`, `patchMergeKey`, `+listType`, `+listMapKey`) and the fields the OpenAPI document marks
// required. Keys are "<group>.<Message>.<jsonField>", group being the proto package's short name
// (core, meta, apps, coordination, policy, autoscaling). Transcribed from k8s.io/api v1.32 types.go.

export interface ListMarker {
  readonly patchStrategy?: 'merge' | 'replace' | 'merge,retainKeys';
  readonly patchMergeKey?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
}

const mergeOn = (key: string, ...mapKeys: string[]): ListMarker => ({
  patchStrategy: 'merge',
  patchMergeKey: key,
  listType: 'map',
  listMapKeys: mapKeys.length > 0 ? mapKeys : [key],
});
const atomic: ListMarker = { listType: 'atomic' };

export const LIST_MARKERS: Readonly<Record<string, ListMarker>> = {
  // meta/v1
  'meta.ObjectMeta.finalizers': { patchStrategy: 'merge', listType: 'set' },
  'meta.ObjectMeta.ownerReferences': mergeOn('uid'),
  'meta.LabelSelector.matchExpressions': atomic,
  'meta.LabelSelectorRequirement.values': atomic,
  'meta.DeleteOptions.dryRun': atomic,

  // core/v1 PodSpec
  'core.PodSpec.volumes': { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  'core.PodSpec.initContainers': mergeOn('name'),
  'core.PodSpec.containers': mergeOn('name'),
  'core.PodSpec.ephemeralContainers': mergeOn('name'),
  'core.PodSpec.imagePullSecrets': mergeOn('name'),
  'core.PodSpec.tolerations': atomic,
  'core.PodSpec.hostAliases': mergeOn('ip'),
  'core.PodSpec.readinessGates': atomic,
  'core.PodSpec.topologySpreadConstraints': mergeOn('topologyKey', 'topologyKey', 'whenUnsatisfiable'),
  'core.PodSpec.schedulingGates': mergeOn('name'),
  'core.PodSpec.resourceClaims': { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  // containers (Container and EphemeralContainerCommon share their markers)
  'core.Container.command': atomic,
  'core.Container.args': atomic,
  'core.Container.ports': mergeOn('containerPort', 'containerPort', 'protocol'),
  'core.Container.envFrom': atomic,
  'core.Container.env': mergeOn('name'),
  'core.Container.resizePolicy': atomic,
  'core.Container.volumeMounts': mergeOn('mountPath'),
  'core.Container.volumeDevices': mergeOn('devicePath'),
  'core.EphemeralContainerCommon.command': atomic,
  'core.EphemeralContainerCommon.args': atomic,
  'core.EphemeralContainerCommon.ports': mergeOn('containerPort', 'containerPort', 'protocol'),
  'core.EphemeralContainerCommon.envFrom': atomic,
  'core.EphemeralContainerCommon.env': mergeOn('name'),
  'core.EphemeralContainerCommon.resizePolicy': atomic,
  'core.EphemeralContainerCommon.volumeMounts': mergeOn('mountPath'),
  'core.EphemeralContainerCommon.volumeDevices': mergeOn('devicePath'),
  'core.ResourceRequirements.claims': { listType: 'map', listMapKeys: ['name'] },
  'core.ExecAction.command': atomic,
  'core.HTTPGetAction.httpHeaders': atomic,
  'core.Capabilities.add': atomic,
  'core.Capabilities.drop': atomic,
  'core.PodSecurityContext.supplementalGroups': atomic,
  'core.PodSecurityContext.sysctls': atomic,
  'core.PodDNSConfig.nameservers': atomic,
  'core.PodDNSConfig.searches': atomic,
  'core.PodDNSConfig.options': atomic,
  'core.HostAlias.hostnames': atomic,
  // volumes
  'core.ConfigMapVolumeSource.items': atomic,
  'core.SecretVolumeSource.items': atomic,
  'core.ConfigMapProjection.items': atomic,
  'core.SecretProjection.items': atomic,
  'core.ProjectedVolumeSource.sources': atomic,
  'core.DownwardAPIVolumeSource.items': atomic,
  'core.DownwardAPIProjection.items': atomic,
  // affinity
  'core.NodeSelector.nodeSelectorTerms': atomic,
  'core.NodeSelectorTerm.matchExpressions': atomic,
  'core.NodeSelectorTerm.matchFields': atomic,
  'core.NodeSelectorRequirement.values': atomic,
  'core.NodeAffinity.preferredDuringSchedulingIgnoredDuringExecution': atomic,
  'core.PodAffinity.requiredDuringSchedulingIgnoredDuringExecution': atomic,
  'core.PodAffinity.preferredDuringSchedulingIgnoredDuringExecution': atomic,
  'core.PodAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution': atomic,
  'core.PodAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution': atomic,
  'core.PodAffinityTerm.namespaces': atomic,
  'core.PodAffinityTerm.matchLabelKeys': atomic,
  'core.PodAffinityTerm.mismatchLabelKeys': atomic,
  'core.TopologySpreadConstraint.matchLabelKeys': atomic,
  // pod status
  'core.PodStatus.conditions': mergeOn('type'),
  'core.PodStatus.hostIPs': { patchStrategy: 'merge', patchMergeKey: 'ip', listType: 'atomic' },
  'core.PodStatus.podIPs': mergeOn('ip'),
  'core.PodStatus.initContainerStatuses': atomic,
  'core.PodStatus.containerStatuses': atomic,
  'core.PodStatus.ephemeralContainerStatuses': atomic,
  'core.PodStatus.resourceClaimStatuses': { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] },
  'core.ContainerStatus.volumeMounts': mergeOn('mountPath'),
  'core.ContainerStatus.allocatedResourcesStatus': mergeOn('name'),
  // node
  'core.NodeSpec.podCIDRs': { patchStrategy: 'merge', listType: 'set' },
  'core.NodeSpec.taints': atomic,
  'core.NodeStatus.conditions': mergeOn('type'),
  'core.NodeStatus.addresses': mergeOn('type'),
  'core.NodeStatus.images': atomic,
  'core.NodeStatus.volumesInUse': atomic,
  'core.NodeStatus.volumesAttached': atomic,
  'core.NodeStatus.runtimeHandlers': atomic,
  'core.ContainerImage.names': atomic,
  // service, endpoints, namespace
  'core.ServiceSpec.ports': mergeOn('port', 'port', 'protocol'),
  'core.ServiceSpec.clusterIPs': atomic,
  'core.ServiceSpec.externalIPs': atomic,
  'core.ServiceSpec.loadBalancerSourceRanges': atomic,
  'core.ServiceSpec.ipFamilies': atomic,
  'core.ServiceStatus.conditions': mergeOn('type'),
  'core.LoadBalancerStatus.ingress': atomic,
  'core.LoadBalancerIngress.ports': atomic,
  'core.Endpoints.subsets': atomic,
  'core.EndpointSubset.addresses': atomic,
  'core.EndpointSubset.notReadyAddresses': atomic,
  'core.EndpointSubset.ports': atomic,
  'core.NamespaceSpec.finalizers': atomic,
  'core.NamespaceStatus.conditions': mergeOn('type'),
  // apps/v1
  'apps.DeploymentStatus.conditions': mergeOn('type'),
  'apps.ReplicaSetStatus.conditions': mergeOn('type'),
};

/** Structs whose strategic merge honours `$retainKeys` (patchStrategy "retainKeys" on the field holding them). */
export const RETAIN_KEYS: ReadonlySet<string> = new Set(['core.Volume', 'apps.DeploymentStrategy', 'core.PodResourceClaim']);

/** Required fields as the OpenAPI document lists them (no `omitempty`, no `+optional`). */
export const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  'meta.OwnerReference': ['apiVersion', 'kind', 'name', 'uid'],
  'meta.LabelSelectorRequirement': ['key', 'operator'],
  'meta.Condition': ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
  'core.PodSpec': ['containers'],
  'core.Container': ['name'],
  'core.ContainerPort': ['containerPort'],
  'core.EnvVar': ['name'],
  'core.VolumeMount': ['name', 'mountPath'],
  'core.Volume': ['name'],
  'core.KeyToPath': ['key', 'path'],
  'core.ConfigMapKeySelector': ['key'],
  'core.SecretKeySelector': ['key'],
  'core.ObjectFieldSelector': ['fieldPath'],
  'core.ResourceFieldSelector': ['resource'],
  'core.HTTPGetAction': ['port'],
  'core.TCPSocketAction': ['port'],
  'core.GRPCAction': ['port'],
  'core.HostPathVolumeSource': ['path'],
  'core.PersistentVolumeClaimVolumeSource': ['claimName'],
  'core.DownwardAPIVolumeFile': ['path'],
  'core.NodeSelector': ['nodeSelectorTerms'],
  'core.NodeSelectorRequirement': ['key', 'operator'],
  'core.PreferredSchedulingTerm': ['weight', 'preference'],
  'core.PodAffinityTerm': ['topologyKey'],
  'core.WeightedPodAffinityTerm': ['weight', 'podAffinityTerm'],
  'core.TopologySpreadConstraint': ['maxSkew', 'topologyKey', 'whenUnsatisfiable'],
  'core.PodCondition': ['type', 'status'],
  'core.ContainerStatus': ['name', 'ready', 'restartCount', 'image', 'imageID'],
  'core.ServicePort': ['port'],
  'core.EndpointAddress': ['ip'],
  'core.EndpointPort': ['port'],
  'core.Taint': ['key', 'effect'],
  'core.NodeCondition': ['type', 'status'],
  'core.NodeAddress': ['type', 'address'],
  'core.Event': ['metadata', 'involvedObject'],
  'core.Binding': ['target'],
  'apps.DeploymentSpec': ['selector', 'template'],
  'apps.ReplicaSetSpec': ['selector'],
  'apps.DeploymentCondition': ['type', 'status'],
  'apps.ReplicaSetCondition': ['type', 'status'],
};
