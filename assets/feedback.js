// feedback.js: "Was this article helpful?" in place: the same forms post as
// JSON to /api/v1/articles/<slug>/feedback; without script they post plainly.
(function () {
	'use strict';
	var box = document.getElementById('feedback');
	if (!box || !window.fetch)
		return;
	var slug = box.getAttribute('data-slug');
	var part = function (sel) { return box.querySelector(sel); };

	function show(sel, on) {
		var el = part(sel);
		if (el)
			el.hidden = !on;
	}

	function send(form, submitter) {
		var data = { helpful: false };
		var helpful = form.querySelector('input[name=helpful]');
		var value = helpful ? helpful.value : (submitter && submitter.value);
		data.helpful = value === 'yes';
		if (submitter && submitter.name === 'reason')
			data.reason = submitter.value;
		var comment = form.querySelector('textarea[name=comment]');
		if (comment && comment.value.trim() !== '')
			data.comment = comment.value;
		show('.fb-error', false);
		return fetch('/api/v1/articles/' + encodeURIComponent(slug) +
		    '/feedback', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			credentials: 'same-origin',
			body: JSON.stringify(data)
		}).then(function (r) {
			if (r.status !== 200 && r.status !== 201)
				throw new Error('status ' + r.status);
			show('.fb-vote', false);
			if (data.helpful) {
				show('.fb-thanks', true);
			} else if (data.reason || data.comment) {
				show('.fb-reasons', false);
				show('.fb-thanks', true);
				show('.fb-contact', true);
			} else {
				show('.fb-reasons', true);
				show('.fb-contact', true);
				var first = part('.fb-reasons textarea');
				if (first)
					first.focus();
			}
		}).catch(function () {
			show('.fb-error', true);
		});
	}

	box.addEventListener('submit', function (ev) {
		var form = ev.target;
		if (!form.classList.contains('fb-vote') &&
		    !form.classList.contains('fb-reasons'))
			return;
		ev.preventDefault();
		send(form, ev.submitter || document.activeElement);
	});
})();
