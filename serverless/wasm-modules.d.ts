// A .wasm import is a compiled module in workerd (the bundle's modules rule: CompiledWasm).
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
