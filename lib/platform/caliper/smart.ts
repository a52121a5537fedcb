/**
 * Caliper: Q2 SMART audiences and traits (CALIPER §4 N; rows 103–107). The audience reads answer a bare integer
 * (count) or an array of user ids (users) as `data`. Setting a user's traits is all-or-nothing (400, code 40001, when
 * one fails); the batch set of one trait is a partial success: `data.success_count` and `errors` listing the users
 * not set, with `success: true` (the node sends it to the output; the flow reads `msg.payload.errors`).
 * ⚠ docs.q2.com says batch setting is not supported; the withone spec documents the route.
 */
import type { ResourceSpec } from '../../model/operation';
import { caliper, payloadBody, req } from './common';

const audienceId = req({ key: 'audience_id', in: 'path', type: 'string' });

/** a trait value: a number (Float, Date as epoch seconds), a boolean or a string (Enum) */
const traitValue = { anyOf: [{ type: 'number' }, { type: 'boolean' }, { type: 'string' }] };

export const smart: ResourceSpec = {
  type: 'q2-platform-smart',
  icon: 'font-awesome/fa-bullseye',
  operations: [
    caliper('SMART/Audiences', 'GET', '/SMART/Audiences', []),
    caliper('SMART/Audiences/count', 'GET', '/SMART/Audiences/{audience_id}/count', [audienceId]),
    caliper('SMART/Audiences/users', 'GET', '/SMART/Audiences/{audience_id}/users', [audienceId]),
    caliper('SMART/Traits/users', 'POST', '/SMART/Traits/users/{user_id}', [req({ key: 'user_id', in: 'path', type: 'id' })], {
      body: payloadBody({ type: 'object', required: ['traits'], properties: { traits: { type: 'object', additionalProperties: traitValue } } }),
    }),
    caliper('SMART/Traits/batch', 'POST', '/SMART/Traits/{trait_id}/batch', [req({ key: 'trait_id', in: 'path', type: 'string' })], {
      body: payloadBody({ type: 'object', required: ['users'], properties: { users: { type: 'object', additionalProperties: { type: 'number' } } } }),
    }),
  ],
};
