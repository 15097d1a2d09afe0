// The Node versions Lockstep supports, in one place. Tests, the CLI, the headless server
// and the build run on Node ≥ 20.19 (package.json `engines`; vite 7 sets the floor).
// Electron 45's own tooling — the binary's downloader (@electron/get 5) and the native
// rebuild (@electron/rebuild 4, node-abi 4) — declares Node ≥ 22.12; that is what the five
// EBADENGINE warnings of `npm install` on Node 20 are about. The window itself runs on
// Electron's embedded Node, whatever Node launched it.
export const PROJECT_NODE = '20.19';
export const DESKTOP_TOOLING_NODE = '22.12';

function atLeast(version, floor) {
  const [major, minor] = version.split('.').map(Number);
  const [floorMajor, floorMinor] = floor.split('.').map(Number);
  return major > floorMajor || (major === floorMajor && minor >= floorMinor);
}

/** One sentence when this Node cannot run Electron's tooling, else null. */
export function desktopToolingProblem(version) {
  if (atLeast(version, DESKTOP_TOOLING_NODE)) return null;
  return (
    `the desktop window needs Node ≥ ${DESKTOP_TOOLING_NODE} to fetch Electron 45 and build its native module ` +
    `(this is Node ${version}); starting the headless UI instead — tests, CLI and headless run on Node ≥ ${PROJECT_NODE}.`
  );
}

/** One sentence when this Node is below what the project supports at all, else null. */
export function projectNodeProblem(version) {
  return atLeast(version, PROJECT_NODE)
    ? null
    : `Lockstep needs Node ≥ ${PROJECT_NODE} (this is Node ${version}).`;
}
