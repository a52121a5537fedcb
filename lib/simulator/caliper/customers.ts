/**
 * Caliper area "customers" (CALIPER §4 B, D, G): SearchCustomer, UpdateCustomerInfo and AddAdminNote. Customers live
 * in the shared state (api.state.customers): a name, tax id or CIF changed here is what LookupCustomer and
 * SearchCustomer find next. Admin notes (from AddAdminNote and UpdateCustomerInfo's `AdminNote`) are kept in the
 * area's own store (reset() clears it); no documented operation reads them back. [OUR] choices where CALIPER.md is
 * silent: an unknown CustomerID answers 404 "CustomerID Not Found" (AddAdminNote documents a 404 for invalid ids); a
 * ChargeAccount must be an account of the customer (400 "Invalid ChargeAccount"); a `CustomerData` pair is
 * `{Name, Value}` (only `Name` is captured) and replaces the customer's data.
 */
import { isObject, type Body } from '../kit';
import type { Customer } from '../platform-data';
import type { CaliperApi, CaliperArea } from './api';

interface AdminNote {
  NoteID: number;
  CustomerID: number;
  UserID: number | null;
  Note: string;
  CreatedByAdmin: string;
  FraudIndicator: boolean;
  CreateDate: string;
}

/** The login of the HQ credential a note defaults to (CALIPER §4 #57). */
const HQ_LOGIN = 'caliper-api';

export function customersArea(api: CaliperApi): CaliperArea {
  let notes: AdminNote[] = [];

  const stringOf = (body: Body, key: string): string | undefined => {
    const v = body[key];
    if (v === undefined) return undefined;
    if (v === null) return api.invalid(`${key} cannot be null`);
    if (typeof v !== 'string' || v.trim() === '') return api.invalid(`${key} must be a non-empty string`);
    return v;
  };
  const idOf = (body: Body, key: string): number => {
    const id = api.id(body[key]);
    if (id === undefined) return api.invalid(`${key} must be a positive integer`);
    return id;
  };
  const addNote = (CustomerID: number, UserID: number | null, note: Body): void => {
    const fraud = note.FraudIndicator;
    if (fraud !== undefined && fraud !== true && fraud !== false && fraud !== 'true' && fraud !== 'false')
      api.invalid('FraudIndicator must be "true" or "false"');
    notes.push({
      NoteID: notes.length + 1,
      CustomerID,
      UserID,
      Note: note.Note as string,
      CreatedByAdmin: typeof note.CreatedByAdmin === 'string' && note.CreatedByAdmin ? note.CreatedByAdmin : HQ_LOGIN,
      FraudIndicator: fraud === true || fraud === 'true',
      CreateDate: new Date().toISOString(),
    });
  };
  const summary = (c: Customer) => ({
    CustomerID: c.CustomerID,
    CustomerName: c.CustomerName,
    TaxID: c.TaxID,
    IsCompany: c.IsCompany,
    CreateDate: c.CreateDate,
    DefaultAddressID: c.DefaultAddressID,
    DeletedDate: c.DeletedDate,
    GroupID: c.GroupID,
    PrimaryCIF: c.PrimaryCIF,
  });

  return {
    reset: () => {
      notes = [];
    },
    routes: [
      {
        method: 'POST',
        path: '/SearchCustomer',
        handler: (req) => {
          const body = api.body(req);
          const { key, value } = api.exactlyOne(body, ['CustomerName', 'TaxID', 'PrimaryCIF']);
          if (typeof value !== 'string') return api.invalid(`${key} must be a string`);
          const active = api.state.customers.filter((c) => c.DeletedDate === null);
          // a name matches in part, ignoring case; a tax id or CIF matches whole
          const found =
            key === 'CustomerName'
              ? active.filter((c) => c.CustomerName.toLowerCase().includes(value.toLowerCase()))
              : active.filter((c) => c[key as 'TaxID' | 'PrimaryCIF'] === value);
          // "No Customers Found": data {} with success true (CALIPER §4 #12)
          return api.ok(found.length ? found.map(summary) : {});
        },
      },
      {
        method: 'PUT',
        path: '/UpdateCustomerInfo',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['CustomerID']);
          const id = idOf(body, 'CustomerID');
          const taxId = stringOf(body, 'TaxID');
          const cif = stringOf(body, 'PrimaryCif');
          const name = stringOf(body, 'CustomerName');
          if (body.isCompany === null || (body.isCompany !== undefined && typeof body.isCompany !== 'boolean'))
            return api.invalid('isCompany must be a boolean');
          const charge = body.ChargeAccount === undefined ? undefined : idOf(body, 'ChargeAccount');
          const data = body.CustomerData;
          if (data !== undefined && (!Array.isArray(data) || !data.every((d) => isObject(d) && typeof d.Name === 'string' && d.Name !== ''))) {
            return api.invalid('CustomerData must be an array of {Name, Value}');
          }
          const note = body.AdminNote;
          if (note !== undefined && (!isObject(note) || typeof note.Note !== 'string' || note.Note.trim() === ''))
            return api.invalid('AdminNote.Note is required');
          const customer = api.activeCustomer(id);
          if (!customer) return api.fail(404, 'CustomerID Not Found');
          if (charge !== undefined && !api.state.accounts.some((a) => a.AccountID === charge && a.CustomerID === customer.CustomerID)) {
            return api.invalid('Invalid ChargeAccount');
          }
          if (note !== undefined) addNote(customer.CustomerID, null, note as Body);
          if (taxId !== undefined) {
            customer.TaxID = taxId;
            customer.CustInfo = taxId;
          }
          if (cif !== undefined) customer.PrimaryCIF = cif;
          if (name !== undefined) customer.CustomerName = name;
          if (typeof body.isCompany === 'boolean') customer.IsCompany = body.isCompany;
          if (charge !== undefined) customer.ChargeAccount = charge;
          if (Array.isArray(data))
            customer.Data = (data as Body[]).map((d) => ({
              ShortName: d.Name as string,
              GTDataValue: typeof d.Value === 'string' || typeof d.Value === 'number' || typeof d.Value === 'boolean' ? String(d.Value) : '',
            }));
          return api.ok({});
        },
      },
      {
        method: 'POST',
        path: '/AddAdminNote',
        handler: (req) => {
          const body = api.body(req);
          api.required(body, ['CustomerID', 'Note']);
          const customerId = idOf(body, 'CustomerID');
          stringOf(body, 'Note');
          const userId = body.UserID === undefined ? null : idOf(body, 'UserID');
          stringOf(body, 'CreatedByAdmin');
          // typed string in the spec: "true" or "false"
          if (body.FraudIndicator !== undefined && body.FraudIndicator !== 'true' && body.FraudIndicator !== 'false') {
            return api.invalid('FraudIndicator must be "true" or "false"');
          }
          const customer = api.activeCustomer(customerId);
          if (!customer) return api.fail(404, 'CustomerID Not Found');
          if (userId !== null && api.activeUser(userId)?.CustomerID !== customer.CustomerID) return api.fail(404, 'UserID Not Found');
          addNote(customer.CustomerID, userId, body);
          return api.ok({});
        },
      },
    ],
  };
}
