/** Node-RED's core node modules, loaded by tests next to this pack's nodes. */
declare module '@node-red/nodes/core/*' {
  const register: (RED: import('node-red').NodeAPI) => void;
  export = register;
}
