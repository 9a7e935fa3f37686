// grpc.health.v1.Health: SERVING while the member runs (etcd answers the same for the empty service name).
import type { HealthMethods, ServiceImplementation } from '../../api/etcd/services.js';

export function healthService(): ServiceImplementation<HealthMethods> {
  return {
    Check: (_call, callback) => callback(null, { status: 'SERVING' }),
    Watch: (call) => {
      call.write({ status: 'SERVING' });
    },
  };
}
