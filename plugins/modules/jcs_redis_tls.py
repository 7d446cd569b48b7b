#!/usr/bin/python
# Copyright: Contributors to the jdcloud.cloud collection
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


DOCUMENTATION = r'''
module: jcs_redis_tls
short_description: Manage TLS in transit of a JD Cloud JCS for Redis instance
version_added: 1.1.0
description:
  - Turns TLS (encryption in transit) of an existing JCS for Redis instance on or off, chooses its type and protocol
    versions, and renews its certificate before it expires.
  - Whether an instance can have TLS depends on its Redis version; the API says so (C(featureSupport)). An instance
    without the feature fails with C(error.status=FAILED_PRECONDITION) for anything but O(enabled=false), before any
    write.
  - Turning TLS on or changing its type issues a new certificate; turning it off drops it. Clients must then connect
    with TLS (or without), to the same domain and port.
  - All changes are one API call. The module then reads TLS back and fails with C(error.status=ABORTED) when it does
    not read as written (another writer changed it meanwhile).
  - An unchanged run makes one API call with O(instance_id), two with O(instance_name).
  - Changes are only made while the instance runs; the module first waits for a busy instance (O(wait), O(wait_timeout)).
author:
  - Contributors to jdcloud.cloud (@jdcloud-cloud)
extends_documentation_fragment:
  - jdcloud.cloud.common
  - jdcloud.cloud.common.one_instance
  - jdcloud.cloud.common.setting_module
options:
  enabled:
    description:
      - Whether clients connect with TLS. Left out, unchanged.
    type: bool
  type:
    description:
      - The kind of TLS. V(standard) is international TLS; V(gm) uses the Chinese SM (GM/T) ciphers. Left out,
        unchanged.
      - A change of type while TLS is on issues a new certificate, and clears the O(versions) unless they are given.
    type: str
    choices: [standard, gm]
  versions:
    description:
      - The TLS protocol versions clients may use, V(TLSv1.2) and V(TLSv1.3) (V(1.2) and V(tlsv1.2) mean
        V(TLSv1.2)), compared as a set; an empty list leaves the choice to JD Cloud. Left out, unchanged.
      - Only with O(type=standard); the V(gm) type has no versions to choose.
    type: list
    elements: str
  renew_certificate_before_days:
    description:
      - Renew the certificate when it expires in fewer than this many days; a certificate that expires later is never
        renewed, so a re-run is unchanged. Left out, the certificate is never renewed.
      - Between 1 and 364 (a certificate lasts a year). Only while TLS is on; not with O(enabled=false).
      - Clients that pin the certificate need the new CA (RV(tls.ca)) after a renewal.
    type: int
  wait:
    description:
      - Wait for an instance that is not running (being created or resized, for example) before changing its TLS.
        With V(false) the module fails instead.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the instance to run.
    type: int
    default: 1800
seealso:
  - module: jdcloud.cloud.jcs_redis_disabled_commands
  - module: jdcloud.cloud.jcs_redis_info
    description: O(jdcloud.cloud.jcs_redis_info#module:include=posture) reports the instances that could have TLS and
      do not.
'''

EXAMPLES = r'''
- name: TLS 1.2 and 1.3 only, the certificate renewed in its last 30 days
  jdcloud.cloud.jcs_redis_tls:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    enabled: true
    type: standard
    versions: [TLSv1.2, TLSv1.3]
    renew_certificate_before_days: 30
  register: tls

- name: Give the clients the CA that signs the certificate
  ansible.builtin.copy:
    content: "{{ tls.tls.ca }}"
    dest: /etc/redis-clients/jdcloud-ca.pem
    mode: "0644"

- name: Chinese SM ciphers, by instance name
  jdcloud.cloud.jcs_redis_tls:
    region: cn-north-1
    instance_name: orders_cache
    enabled: true
    type: gm

- name: TLS off
  jdcloud.cloud.jcs_redis_tls:
    region: cn-north-1
    instance_id: redis-m0vcg462xe31
    enabled: false
'''

RETURN = r'''
instance_id:
  description: ID of the instance.
  returned: success
  type: str
  sample: redis-m0vcg462xe31
changes:
  description:
    - What is (in check mode, would be) changed, sorted, out of V(enabled), V(type), V(versions) and V(certificate) (a
      renewal); empty when nothing changes.
  returned: success
  type: list
  elements: str
  sample: [enabled, versions]
tls:
  description: TLS of the instance after the change (in check mode, as it would be); after a change, as read back.
  returned: success
  type: dict
  contains:
    supported:
      description: Whether the instance can have TLS at all (the API's C(featureSupport)).
      type: bool
      sample: true
    enabled:
      description: Whether TLS is on.
      type: bool
      sample: true
    type:
      description: V(standard) or V(gm); null on an instance without TLS support.
      type: str
      sample: standard
    versions:
      description: The protocol versions clients may use, sorted; empty when JD Cloud chooses.
      type: list
      elements: str
      sample: [TLSv1.2, TLSv1.3]
    certificate_expires:
      description:
        - When the certificate expires, ISO 8601 UTC; null while TLS is off, and in check mode when a new certificate
          would be issued.
      type: str
      sample: '2027-12-07T08:00:00Z'
    ca:
      description: The PEM certificate of the CA that signs the instance's certificate; null while TLS is off.
      type: str
    ca_download_url:
      description: Where the CA certificate can be downloaded; null while TLS is off.
      type: str
  sample:
    supported: true
    enabled: true
    type: standard
    versions: [TLSv1.2, TLSv1.3]
    certificate_expires: '2027-12-07T08:00:00Z'
    ca: "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"
    ca_download_url: https://redis-tls.cn-north-1.jdcloud-oss.com/redis-m0vcg462xe31/ca.pem
'''

from ansible_collections.jdcloud.cloud.plugins.module_utils._settings import SettingModule
from ansible_collections.jdcloud.cloud.plugins.module_utils._tls import TLS


class JCSRedisTLS(SettingModule):
    component = TLS()


def main():
    JCSRedisTLS().execute()


if __name__ == '__main__':
    main()
