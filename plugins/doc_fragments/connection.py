# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The connection options of every module and plugin, documented once.
    # PLUGINS adds where a lookup or the inventory plugin may also take each value from (env, ansible.cfg);
    # VARIABLES adds the alicloud_cas_* variables, which only lookups read.
    # tests/unit/plugins/doc_fragments/test_connection.py keeps all three in step with
    # plugins/module_utils/cas_options.py.

    DOCUMENTATION = r'''
options:
  access_key_id:
    description:
      - The AccessKey ID of a RAM user or an STS AccessKey.
      - If not set, the key comes from the first of these that is set
        (see the L(credentials guide,https://github.com/seed/alicloud_cas/blob/main/docs/credentials.md)).
        E(ALIBABA_CLOUD_ACCESS_KEY_ID) with E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) and E(ALIBABA_CLOUD_SECURITY_TOKEN);
        the legacy E(ALICLOUD_ACCESS_KEY) with E(ALICLOUD_SECRET_KEY) and E(ALICLOUD_SECURITY_TOKEN);
        a profile of the aliyun CLI's C(~/.aliyun/config.json).
      - For a module, environment variables and C(~/.aliyun/config.json) are read on the host that runs the module;
        for a lookup, on the controller.
    type: str
  access_key_secret:
    description:
      - The AccessKey secret belonging to O(access_key_id). Required when O(access_key_id) is set.
      - Never shown in output, logs or error messages.
    type: str
  security_token:
    description:
      - The STS security token, when O(access_key_id) is a temporary (STS) AccessKey.
    type: str
  profile:
    description:
      - The name of a profile in the aliyun CLI configuration C(~/.aliyun/config.json).
      - If not set, E(ALIBABA_CLOUD_PROFILE), then the file's C(current) profile, are used once no key was found
        in the options or the environment; E(ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true) skips the file.
      - Setting O(profile) skips the environment keys. It cannot be combined with O(access_key_id),
        O(access_key_secret) or O(security_token).
      - Profiles of mode C(AK), C(StsToken), C(RamRoleArn), C(ChainableRamRoleArn), C(EcsRamRole) and C(OIDC)
        are supported.
    type: str
  region:
    description:
      - The region ID. It selects the service endpoint when O(endpoint) is not set; most regions are served by
        C(cas.aliyuncs.com), C(ap-southeast-1), C(eu-central-1), C(ap-northeast-1) and C(me-east-1) by their
        regional host.
      - If not set, E(ALIBABA_CLOUD_REGION_ID).
    type: str
    default: cn-hangzhou
  endpoint:
    description:
      - The service endpoint, as a host name (C(cas.aliyuncs.com), C(cas-vpc.cn-hangzhou.aliyuncs.com)) or a URL
        (C(https://cas.ap-southeast-1.aliyuncs.com)). Overrides O(region).
      - Plain C(http://) is accepted only for a host on this machine, such as the collection's emulator
        (C(http://127.0.0.1:PORT)).
      - Credentials in the URL (C(https://user:password@host)) are refused, and hidden in the task result.
      - If not set, E(ALIBABA_CLOUD_ENDPOINT_CAS).
    type: str
  validate_certs:
    description:
      - Whether to verify the endpoint's TLS certificate. Turning this off is insecure and warns; prefer O(ca_bundle).
      - If not set, E(ALICLOUD_CAS_VALIDATE_CERTS).
    type: bool
    default: true
  ca_bundle:
    description:
      - A PEM file of CA certificates to verify the endpoint's TLS certificate with.
      - If not set, E(ALICLOUD_CAS_CA_BUNDLE); if neither is set, the bundle that C(requests) uses,
        E(REQUESTS_CA_BUNDLE), else E(CURL_CA_BUNDLE), else the C(certifi) package's.
    type: path
  timeout:
    description:
      - The most seconds one attempt may take, from connecting to the last byte of the answer (greater than 0,
        at most 600). An endpoint that answers slowly, a byte at a time, or without end is cut off at this time.
      - A call (all its attempts and the waits between them) takes at most O(timeout) times (O(retries) + 1) plus
        the longest waits between attempts (1, 2, 4, ... seconds, at most 20 each), whatever the endpoint does.
        A task that waits for another worker's identical call (see O(cache_ttl)) stays within the same bound.
        Waiting for a slot of the rate limiter (O(rate_limit)) comes on top.
      - If not set, E(ALICLOUD_CAS_TIMEOUT).
    type: float
    default: 10
  retries:
    description:
      - How many times to retry after the first attempt (0 to 20), for throttling (C(Throttling*)),
        C(ServiceUnavailable), C(InternalError), HTTP 429/500/502/503/504, connection errors and timeouts.
      - Waits grow exponentially with jitter; an C(x-acs-retry-after) header from the service is honoured.
      - Signature, credential, permission and parameter errors are never retried.
      - If not set, E(ALICLOUD_CAS_RETRIES).
    type: int
    default: 5
  cache_ttl:
    description:
      - Seconds for which an answer is reused from the result cache on the controller, so that many hosts and
        tasks asking about the same CA make one API call.
      - V(0) disables the cache. A longer TTL means fewer calls but a gate may act on a status up to that old.
      - The cache lives in a per-user directory (see the security guide) and never holds a secret.
      - Used by lookups, by the inventory plugin and by modules that run on the controller (for example a task
        delegated to C(localhost)).
      - If not set, E(ALICLOUD_CAS_CACHE_TTL). The directory is E(ALICLOUD_CAS_CACHE_DIR), else
        C($XDG_CACHE_HOME/seed.alicloud_cas), else C(~/.cache/seed.alicloud_cas).
    type: int
    default: 30
  rate_limit:
    description:
      - The most API calls per second that all workers of this controller send with one AccessKey together,
        from 0.1 to 1000.
      - The service allows 10 per second per account; lower it when other tools share the account. At 0.1 a
        call may wait up to 10 seconds for its slot. Values above 10 make sense only against an endpoint that
        allows more, such as the collection's emulator.
      - If not set, E(ALICLOUD_CAS_RATE_LIMIT).
    type: float
    default: 10
  role_arn:
    description:
      - The ARN of a RAM role to assume with STS C(AssumeRole), for example C(acs:ram::1234567890123456:role/cas-reader).
        The call is signed with the credentials found otherwise (options, environment, profile, instance role),
        and the task then uses the role's temporary credentials.
      - With O(oidc_provider_arn) and O(oidc_token_file), the role assumed with the OIDC token instead (RRSA).
      - If not set, E(ALICLOUD_ASSUME_ROLE_ARN) is used.
    type: str
  role_session_name:
    description:
      - The session name of the assumed role (2 to 64 letters, digits, C(.), C(@), C(-), C(_)); it appears in the
        account's audit trail (ActionTrail).
      - If not set, E(ALIBABA_CLOUD_ROLE_SESSION_NAME) or the legacy E(ALICLOUD_ASSUME_ROLE_SESSION_NAME), then
        C(seed-alicloud-cas-<epoch seconds>).
    type: str
  role_duration:
    description:
      - How long the assumed role's credentials are valid, in seconds (900 to 43200, and at most the role's
        maximum session duration). If not set, E(ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION), then 3600.
      - Temporary credentials are reused until 15 minutes before they expire (a quarter of their lifetime when
        that is shorter), then fetched anew.
    type: int
  oidc_provider_arn:
    description:
      - The ARN of the RAM OIDC identity provider, for RRSA (Kubernetes service account tokens)
        with STS C(AssumeRoleWithOIDC), O(role_arn) and the token read from O(oidc_token_file).
      - Without these options, the three environment variables E(ALIBABA_CLOUD_ROLE_ARN),
        E(ALIBABA_CLOUD_OIDC_PROVIDER_ARN) and E(ALIBABA_CLOUD_OIDC_TOKEN_FILE) set together (as ACK's RRSA
        webhook does) select the same source.
    type: str
  oidc_token_file:
    description:
      - The file that holds the OIDC token, read again whenever new credentials are needed (it is rotated).
    type: path
  ecs_role_name:
    description:
      - Use the credentials of this RAM role attached to the ECS instance the task runs on, from the instance
        metadata service (a session token first, 1-second timeouts).
      - If not set, E(ALIBABA_CLOUD_ECS_METADATA) or the legacy E(ALICLOUD_ECS_ROLE_NAME). When no credential
        source at all is configured, the attached role is discovered from the metadata service, as the official
        SDKs do, unless E(ALIBABA_CLOUD_ECS_METADATA_DISABLED=true).
      - Requests without a session token (IMDSv1), tried only when the service refuses to give one, are off with
        E(ALIBABA_CLOUD_IMDSV1_DISABLED=true). E(ALICLOUD_CAS_ECS_METADATA_ENDPOINT) points elsewhere than
        C(http://100.100.100.200), as a testing aid for the collection's emulator, not for production.
    type: str
  sts_endpoint:
    description:
      - The STS endpoint for O(role_arn) and OIDC, as a host name or URL. If not set, E(ALIBABA_CLOUD_STS_ENDPOINT),
        else C(sts.<region>.aliyuncs.com) for the region of E(ALIBABA_CLOUD_STS_REGION) (C(sts-vpc.<region>.aliyuncs.com) with
        E(ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED=true)), else C(sts.aliyuncs.com).
      - Plain C(http://) is accepted only for a host on this machine, such as the collection's emulator.
    type: str
  cache_credentials:
    description:
      - Whether temporary credentials (assumed roles, OIDC, instance roles) may be written to the per-user cache
        directory (file mode 0600, named by a hash) so that all workers of a run share them until shortly before
        they expire.
      - When V(false), they are kept in memory only, so each worker process that calls the API fetches its own.
        Answers served from the result cache need no credentials at all.
      - If not set, E(ALICLOUD_CAS_CACHE_CREDENTIALS).
    type: bool
    default: false
notes:
  - The RAM permission needed is C(yundun-cert:GetCAInstanceStatus); assuming a role also needs C(sts:AssumeRole)
    for the base identity.
'''

    PLUGINS = r'''
options:
  profile:
    ini:
      - section: alicloud_cas
        key: profile
  region:
    env:
      - name: ALIBABA_CLOUD_REGION_ID
    ini:
      - section: alicloud_cas
        key: region
  endpoint:
    env:
      - name: ALIBABA_CLOUD_ENDPOINT_CAS
    ini:
      - section: alicloud_cas
        key: endpoint
  validate_certs:
    env:
      - name: ALICLOUD_CAS_VALIDATE_CERTS
    ini:
      - section: alicloud_cas
        key: validate_certs
  ca_bundle:
    env:
      - name: ALICLOUD_CAS_CA_BUNDLE
    ini:
      - section: alicloud_cas
        key: ca_bundle
  timeout:
    env:
      - name: ALICLOUD_CAS_TIMEOUT
    ini:
      - section: alicloud_cas
        key: timeout
  retries:
    env:
      - name: ALICLOUD_CAS_RETRIES
    ini:
      - section: alicloud_cas
        key: retries
  cache_ttl:
    env:
      - name: ALICLOUD_CAS_CACHE_TTL
    ini:
      - section: alicloud_cas
        key: cache_ttl
  rate_limit:
    env:
      - name: ALICLOUD_CAS_RATE_LIMIT
    ini:
      - section: alicloud_cas
        key: rate_limit
  role_arn:
    ini:
      - section: alicloud_cas
        key: role_arn
  role_session_name:
    ini:
      - section: alicloud_cas
        key: role_session_name
  role_duration:
    ini:
      - section: alicloud_cas
        key: role_duration
  ecs_role_name:
    ini:
      - section: alicloud_cas
        key: ecs_role_name
  sts_endpoint:
    env:
      - name: ALIBABA_CLOUD_STS_ENDPOINT
    ini:
      - section: alicloud_cas
        key: sts_endpoint
  cache_credentials:
    env:
      - name: ALICLOUD_CAS_CACHE_CREDENTIALS
    ini:
      - section: alicloud_cas
        key: cache_credentials
'''

    # Lookups only: the alicloud_cas_* variables (an inventory plugin reads its configuration file instead).
    VARIABLES = r'''
options:
  access_key_id:
    vars:
      - name: alicloud_cas_access_key_id
  access_key_secret:
    vars:
      - name: alicloud_cas_access_key_secret
  security_token:
    vars:
      - name: alicloud_cas_security_token
  profile:
    vars:
      - name: alicloud_cas_profile
  region:
    vars:
      - name: alicloud_cas_region
  endpoint:
    vars:
      - name: alicloud_cas_endpoint
  validate_certs:
    vars:
      - name: alicloud_cas_validate_certs
  ca_bundle:
    vars:
      - name: alicloud_cas_ca_bundle
  timeout:
    vars:
      - name: alicloud_cas_timeout
  retries:
    vars:
      - name: alicloud_cas_retries
  cache_ttl:
    vars:
      - name: alicloud_cas_cache_ttl
  rate_limit:
    vars:
      - name: alicloud_cas_rate_limit
  role_arn:
    vars:
      - name: alicloud_cas_role_arn
  role_session_name:
    vars:
      - name: alicloud_cas_role_session_name
  role_duration:
    vars:
      - name: alicloud_cas_role_duration
  oidc_provider_arn:
    vars:
      - name: alicloud_cas_oidc_provider_arn
  oidc_token_file:
    vars:
      - name: alicloud_cas_oidc_token_file
  ecs_role_name:
    vars:
      - name: alicloud_cas_ecs_role_name
  sts_endpoint:
    vars:
      - name: alicloud_cas_sts_endpoint
  cache_credentials:
    vars:
      - name: alicloud_cas_cache_credentials
'''
