// agent.js: on the agent's ticket page, "insert" buttons append a suggested article's link or a filled macro to the reply; without script the links and macro texts are there to open and copy.
(function () {
	'use strict';
	var box = document.getElementById('tk-agent-body');
	if (!box)
		return;
	var buttons = document.querySelectorAll('button[data-insert]');
	Array.prototype.forEach.call(buttons, function (b) {
		b.hidden = false;
		b.addEventListener('click', function () {
			var text = b.getAttribute('data-insert');
			var v = box.value;
			// A blank line between pieces, none before the first.
			if (v !== '' && !/\n\n$/.test(v))
				v += /\n$/.test(v) ? '\n' : '\n\n';
			box.value = v + text;
			box.focus();
			box.setSelectionRange(box.value.length, box.value.length);
		});
	});
})();
