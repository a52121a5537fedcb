/**
 * Caliper: alerts, secure messages, notifications and vendors (CALIPER §4 K, rows 82–92). SendSecureMessage,
 * SendNotification and SendRichPushNotification send something to people: writes, never retried; so are the two
 * Generate…Alerts.
 */
import type { ResourceSpec } from '../../model/operation';
import { arrayBody, caliper, payloadBody, req } from './common';
import { positiveId, text } from '../schemas';

const party = { enum: ['csr', 'csrGroup', 'endUser'] };

/** One secure message (CALIPER §4 #87); the attachment's file-name key is truncated in the source ⚠. */
const secureMessage = {
  type: 'object',
  required: ['sourceId', 'targetId', 'messageSubject', 'messageBody', 'senderType', 'targetType'],
  properties: {
    sourceId: positiveId,
    targetId: positiveId,
    messageSubject: text,
    messageBody: text,
    senderType: party,
    targetType: party,
    Reference: { type: 'string' },
    expirationDate: text,
    attachment: text,
  },
};

/** One notification (CALIPER §4 #88): TargetAddress for SMS and EMAIL; TargetUserID or SSOIdentifier. */
const notification = {
  type: 'object',
  required: ['Reference', 'NotificationType', 'Subject', 'TextBody', 'HTMLBody', 'AddHtmlHeaderAndFooter'],
  properties: {
    Reference: text,
    NotificationType: { enum: ['SMS', 'PUSH', 'EMAIL'] },
    TargetAddress: text,
    Subject: { type: 'string' },
    TextBody: { type: 'string' },
    HTMLBody: { type: 'string' },
    AddHtmlHeaderAndFooter: { anyOf: [{ type: 'boolean' }, { enum: ['true', 'false', 'True', 'False'] }] },
    TargetUserID: positiveId,
    SSOIdentifier: text,
  },
  allOf: [
    { anyOf: [{ properties: { NotificationType: { const: 'PUSH' } } }, { required: ['TargetAddress'] }] },
    { oneOf: [{ required: ['TargetUserID'] }, { required: ['SSOIdentifier'] }] },
  ],
};

/** The Firebase Cloud Messaging message of a rich push (its fields are truncated in the source ⚠): notification or data. */
const fcmMessage = {
  type: 'object',
  properties: { notification: { type: 'object' }, data: { type: 'object' } },
  anyOf: [{ required: ['notification'] }, { required: ['data'] }],
};

export const messaging: ResourceSpec = {
  type: 'q2-platform-messaging',
  icon: 'font-awesome/fa-envelope',
  operations: [
    caliper('GetAlertAccounts', 'GET', '/GetAlertAccounts', []),
    caliper('GetAllAlerts/Balance', 'GET', '/GetAllAlerts/Balance', []),
    caliper('GetAllAlerts/Transaction', 'GET', '/GetAllAlerts/Transaction', []),
    caliper('GenerateBalanceAlerts', 'POST', '/GenerateBalanceAlerts', [], {
      body: arrayBody(text, 'GenerateBalanceAlertsRequest'), // host account ids, as strings
    }),
    caliper('GenerateTransactionAlerts', 'POST', '/GenerateTransactionAlerts', [], {
      body: arrayBody(text, 'GenerateTransactionAlertsRequest'), // host account ids, as strings
    }),
    caliper('SendSecureMessage', 'POST', '/SendSecureMessage', [], {
      body: arrayBody(secureMessage, 'SendSecureMessageRequest'),
    }),
    caliper('SendNotification', 'POST', '/SendNotification', [], {
      body: arrayBody(notification, 'Notification'),
    }),
    caliper(
      'SendRichPushNotification',
      'POST',
      '/SendRichPushNotification',
      [
        { key: 'TargetUserLogon', in: 'body', type: 'string' },
        { key: 'SSOIdentifier', in: 'body', type: 'string' },
        { key: 'UserID', in: 'body', type: 'id' },
        { key: 'DeviceNickname', in: 'body', type: 'string' },
      ],
      { exactlyOne: ['TargetUserLogon', 'SSOIdentifier', 'UserID'], body: payloadBody(fcmMessage) },
    ),
    caliper('GetNotificationStatus', 'GET', '/GetNotificationStatus', [req({ key: 'notification_ids', in: 'query', type: 'list' })]),
    caliper('GetSystemNotifications', 'GET', '/GetSystemNotifications', [{ key: 'campaign-name', in: 'query', type: 'string' }]),
    caliper('GetVendors', 'GET', '/GetVendors', [
      { key: 'vendor_name', in: 'query', type: 'string' },
      { key: 'show_all', in: 'query', type: 'boolean' },
    ]),
  ],
};
