package web

// pageMessages are the texts of the navigation's menu button, the goods receipt pages and the
// account and users pages: key → {Russian, English}, merged into messages at start.
var pageMessages = map[string][2]string{
	"nav.menu": {"Меню", "Menu"}, "nav.goods-receipts": {"Поступление товаров", "Goods receipts"},

	"gr.title": {"Поступление товаров", "Goods receipt"}, "gr.new": {"Новое поступление товаров", "New goods receipt"},
	"gr.supplier": {"Поставщик", "Supplier"}, "gr.cost": {"Цена закупки", "Cost"}, "gr.post": {"Провести", "Post"},
	"gr.more_lines": {"Ещё строки", "More lines"},
	"account.title": {"Мой пароль", "My password"}, "account.change_password": {"Сменить пароль", "Change the password"},
	"account.hint":    {"Не короче 8 символов. После смены пароля ваши сеансы на других устройствах завершатся.", "At least 8 characters. Changing it ends your sessions on other devices."},
	"account.current": {"Текущий пароль", "Current password"}, "account.new": {"Новый пароль", "New password"},
	"account.again": {"Новый пароль ещё раз", "New password again"}, "account.submit": {"Сменить пароль", "Change the password"},
	"flash.password_changed": {"Пароль изменён.", "The password is changed."},
	"flash.user_disabled":    {"Пользователь отключён: его сеансы завершены.", "The user is disabled and logged out."},
	"flash.user_enabled":     {"Пользователь снова может войти.", "The user can log in again."},
	"users.state":            {"Состояние", "State"}, "users.active": {"Активен", "Active"}, "users.disabled": {"Отключён", "Disabled"},
	"users.disable": {"Отключить", "Disable"}, "users.enable": {"Включить", "Enable"},
	"users.disable_confirm":                        {"Отключить пользователя? Он сразу выйдет из системы и не сможет войти.", "Disable the user? They are logged out at once and cannot log in."},
	"users.not_yourself":                           {"Нельзя отключить себя.", "You cannot disable yourself."},
	"login.disabled":                               {"Пользователь отключён. Обратитесь к администратору.", "This user is disabled. Ask an administrator."},
	"msg.is not your current password":             {"Неверный текущий пароль", "is not your current password"},
	"msg.does not match the new password":          {"Пароли не совпадают", "does not match the new password"},
	"msg.too many failed attempts: wait a little":  {"слишком много неудачных попыток: подождите немного", "too many failed attempts: wait a little"},
	"msg.a goods receipt has 1 to 1000 lines":      {"в поступлении должна быть хотя бы одна строка (не больше 1000)", "a goods receipt has 1 to 1000 lines"},
	"msg.must be at most 255 printable characters": {"не больше 255 печатных символов", "must be at most 255 printable characters"},

	"state.sold": {"Продан", "Sold"},
	"orders.kkm_hint": {"ККМ: получили / всего — сколько ККМ из списка заказа получили его текущую версию, и сколько их в списке",
		"Registers: received / listed — how many of the order's registers have its current version, of how many listed"},
	"orders.kkm_legend": {"ККМ 1/3 — получили / всего: одна ККМ из трёх в списке заказа получила его текущую версию. ● Проведён — заказ проведён и отправлен на ККМ.",
		"Registers 1/3 — received / listed: one of the three registers on the order has its current version. ● Posted — the order is posted and sent to registers."},
}

func init() {
	for k, v := range pageMessages {
		if _, dup := messages[k]; dup {
			panic("web: the message " + k + " is defined twice")
		}
		messages[k] = v
	}
}
