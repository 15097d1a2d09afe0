// Install-time switches this machine needs and a user never has to know: Electron's binary
// is optional (headless mode runs without it) and onnxruntime's CUDA extras are not used.
export const installEnv = {
  ...process.env,
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip',
};
