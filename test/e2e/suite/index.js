// Test entry in the @vscode/test-electron shape, so the same suite runs under test-electron where VS Code can be
// downloaded, and under code-server here.
const path = require('path');
const Mocha = require('mocha');

exports.run = () =>
  new Promise((resolve, reject) => {
    const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60000 });
    mocha.addFile(path.resolve(__dirname, 'extension.test.js'));
    mocha.run((failures) => (failures ? reject(new Error(`${failures} tests failed.`)) : resolve()));
  });
