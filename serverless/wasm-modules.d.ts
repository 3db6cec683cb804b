// A .wasm import is a compiled module in workerd (the bundle's modules rule: CompiledWasm).
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

// just-bash's own tar, from its Node build (serverless/build/worker.ts resolves it): its browser
// build, which the Workers bundle takes, leaves tar out.
declare module "just-bash-node-tar" {
  export const tarCommand: import("just-bash").CustomCommand;
}
