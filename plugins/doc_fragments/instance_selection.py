# -*- coding: utf-8 -*-
# Copyright (c) 2026 seed.alicloud_cas contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The options that select CA instances, shared by the modules (argument spec:
    # plugins/module_utils/cas_module.py SELECTION_SPEC). The lookup takes instance IDs as terms and documents
    # its own identifier keyword.

    DOCUMENTATION = r'''
options:
  instance_id:
    description:
      - One private CA instance ID (C(cas-member-...)) or a list of them. Each distinct ID is looked up once,
        concurrently; an ID the service does not know fails the task, naming it.
      - With O(identifier), only the issuers of those certificates are selected, and each must be among these IDs
        (both must match, as in the API); a certificate issued by another instance fails the task, naming its
        issuer.
      - If neither O(instance_id) nor O(identifier) is set, every private CA instance of the account is selected.
        An empty list is an error, so that a variable that came out empty never selects every instance instead.
    type: list
    elements: str
  identifier:
    description:
      - The identifier of a client or server certificate (32 hexadecimal characters, as C(ListClientCertificate)
        lists them), or a list of them. Selects the private CA instance that issued each one, so that a host's
        certificate leads to the health of the CA behind it.
      - Each distinct certificate is looked up once, concurrently; one the service knows no issuer for fails the
        task, naming it. Each selected instance lists the certificates given here that it issued in its
        C(certificate_identifiers) fact.
      - The identifier of a CA certificate itself selects that CA's instance (the collection's emulator answers so;
        the service documents only client and server certificates).
    type: list
    elements: str
'''
