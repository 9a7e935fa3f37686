// The alarms raised and not yet disarmed (etcd's alarm bucket): one record per member and alarm type.
import { KeyedRecords } from './keyed-records.js';
import type { PendingBatch } from './pending-batch.js';
import { decodeAlarm, encodeAlarm } from './state-codec.js';
import { alarmKey } from './state-keys.js';
import { ALARM_TYPES, type Alarm, type AlarmType, type MemberId } from './state-types.js';

export class AlarmRecords extends KeyedRecords<Alarm> {
  constructor(batch: PendingBatch) {
    super(batch, { encode: encodeAlarm, decode: decodeAlarm, keyOf: (alarm) => alarmKey(alarm.memberId, alarm.alarm) });
  }

  /** Raises `alarm` for the member; raising it again changes nothing that reads can see. */
  set(memberId: MemberId, alarm: AlarmType): void {
    this.setRecord(alarmKey(memberId, checked(alarm)), { memberId, alarm });
  }

  /** Whether the alarm was raised. */
  clear(memberId: MemberId, alarm: AlarmType): boolean {
    return this.deleteRecord(alarmKey(memberId, checked(alarm)));
  }

  /** By member id, then alarm type. */
  list(): Alarm[] {
    return this.records();
  }
}

/** The type says AlarmType, but a value from the wire may be anything; a bad one must not reach the disk. */
function checked(alarm: AlarmType): AlarmType {
  if (!ALARM_TYPES.includes(alarm)) throw new RangeError(`unknown alarm type ${JSON.stringify(alarm)}`);
  return alarm;
}
