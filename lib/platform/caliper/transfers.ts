/**
 * Caliper: funds transfers and generated transactions (CALIPER §4 I, rows 62–67). Every operation but
 * GetDecisionReasons moves money or changes a transaction: a write, never retried. Account numbers, the CSR password
 * and the CSR session token are sensitive. StopPayment's check fields are not documented (⚠): they come from the
 * data property, merged under the account selector.
 */
import type { ResourceSpec } from '../../model/operation';
import { caliper, payloadBody, req } from './common';

export const transfers: ResourceSpec = {
  type: 'q2-platform-transfers',
  icon: 'font-awesome/fa-exchange',
  operations: [
    caliper('AddFundsTransfer', 'POST', '/AddFundsTransfer', [
      req({ key: 'LoginName', in: 'body', type: 'string' }),
      req({ key: 'FromAccount', in: 'body', type: 'string', sensitive: true }),
      req({ key: 'ToAccount', in: 'body', type: 'string', sensitive: true }),
      req({ key: 'Amount', in: 'body', type: 'number' }),
      req({ key: 'Description', in: 'body', type: 'string' }),
      { key: 'Authorize', in: 'body', type: 'boolean' },
    ]),
    caliper(
      'StopPayment',
      'POST',
      '/StopPayment',
      [
        { key: 'SourceHostAccountID', in: 'body', type: 'string' },
        { key: 'SourceAccountNumber', in: 'body', type: 'string', sensitive: true },
      ],
      // ⚠ the check fields (number, amount …) are not documented: any JSON object, sent as it is
      { exactlyOne: ['SourceHostAccountID', 'SourceAccountNumber'], body: payloadBody({ type: 'object' }, true) },
    ),
    caliper('CancelGeneratedTransaction', 'PUT', '/CancelGeneratedTransaction', [
      req({ key: 'LogonName', in: 'body', type: 'string' }),
      req({ key: 'TransactionID', in: 'body', type: 'id' }),
    ]),
    caliper('UpdateTransactionStatus', 'PUT', '/UpdateTransactionStatus', [
      req({ key: 'LogonName', in: 'body', type: 'string' }),
      req({ key: 'TransactionID', in: 'body', type: 'id' }),
      req({ key: 'CurrentTransactionStatus', in: 'body', type: 'enum', enum: ['Authorized', 'Suspect'] }),
      req({ key: 'NewTransactionStatus', in: 'body', type: 'enum', enum: ['Authorized', 'Processed', 'HostFailed', 'Cancelled'] }),
      { key: 'CaseDecisionReasonID', in: 'body', type: 'id' },
      { key: 'CaseDecisionNote', in: 'body', type: 'string' },
    ]),
    caliper(
      'DecideSuspectGT',
      'PUT',
      '/DecideSuspectGT',
      [
        { key: 'CSRLogin', in: 'body', type: 'string' },
        { key: 'CSRPassword', in: 'body', type: 'string', sensitive: true },
        { key: 'CSRSessionToken', in: 'body', type: 'string', sensitive: true },
        req({ key: 'TransactionID', in: 'body', type: 'id' }),
        req({ key: 'Reason', in: 'body', type: 'string' }),
        req({ key: 'Note', in: 'body', type: 'string' }),
        req({ key: 'Authorize', in: 'body', type: 'boolean' }),
      ],
      // a CSR login goes with its password; or a CSR session token alone
      { exactlyOne: ['CSRLogin', 'CSRSessionToken'], requiredWith: { CSRLogin: ['CSRPassword'] } },
    ),
    caliper('GetDecisionReasons', 'GET', '/GetDecisionReasons', []),
  ],
};
